package shop.reports;

import dev.ctx4j.Context;
import java.time.LocalDate;

/** Sums the day's sales per region. */
public final class ReportBuilder {
  private static final String[] REGIONS = {"north", "south", "east", "west"};
  private final SalesApi sales;

  public ReportBuilder(SalesApi sales) {
    this.sales = sales;
  }

  /** Only ever reached from a forked task that had a context: the fresh root breaks the chain. */
  public Report build(LocalDate day) throws Exception {
    Context ctx = Context.background(); // expect: broken-chain
    Report r = new Report(day);
    for (String region : REGIONS) {
      r.add(region, sales.total(ctx, region, day));
    }
    return r;
  }

  public Report buildWithin(Context ctx, LocalDate day) throws Exception {
    Report r = new Report(day);
    for (String region : REGIONS) {
      ctx.throwIfDone();
      r.add(region, sales.total(ctx, region, day));
    }
    return r;
  }
}
