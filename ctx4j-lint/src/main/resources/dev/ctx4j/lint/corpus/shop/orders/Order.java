package shop.orders;

/** An order as stored: id and total in cents. */
public record Order(String id, String customer, long totalCents, String status) {}
