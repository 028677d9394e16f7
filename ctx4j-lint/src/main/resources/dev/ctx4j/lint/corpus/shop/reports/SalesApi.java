package shop.reports;

import dev.ctx4j.Context;
import java.time.LocalDate;

/** The sales warehouse. */
public final class SalesApi {
  public long total(Context ctx, String region, LocalDate day) throws Exception {
    ctx.throwIfDone();
    return (region + day).hashCode() & 0xffff;
  }
}
