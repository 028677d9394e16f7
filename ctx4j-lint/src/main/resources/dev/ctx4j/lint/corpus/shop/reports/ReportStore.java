package shop.reports;

import dev.ctx4j.Context;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Where finished reports go. */
public final class ReportStore {
  private final ConcurrentMap<LocalDate, Report> saved = new ConcurrentHashMap<>();

  public Report save(Context ctx, Report r) {
    ctx.throwIfDone();
    saved.put(r.day(), r);
    return r;
  }

  public int count(Context ctx, List<LocalDate> days) {
    ctx.throwIfDone();
    return (int) days.stream().filter(saved::containsKey).count();
  }
}
