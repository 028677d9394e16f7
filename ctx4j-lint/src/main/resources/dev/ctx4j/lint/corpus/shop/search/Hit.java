package shop.search;

/** One search result. */
public record Hit(String id, double score) {}
