package shop.inventory;

import dev.ctx4j.Context;
import java.util.Map;

/** The warehouse's stock service. */
public interface StockApi {
  Map<String, Integer> levels(Context ctx) throws Exception;
}
