package shop.reports;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Key;
import dev.ctx4j.TaskGroup;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/** Builds one sales report per day, four days at a time. */
public final class NightlyReportJob {
  static final Key<String> BATCH = Key.named("batch");
  private final ReportBuilder report;
  private final ReportStore store;

  public NightlyReportJob(ReportBuilder report, ReportStore store) {
    this.report = report;
    this.store = store;
  }

  /** Each forked task is handed a context 'c' and ignores it. */
  public void run(TaskGroup group, List<LocalDate> days) throws Exception {
    List<Future<Report>> built = new ArrayList<>();
    for (LocalDate day : days) {
      built.add(group.fork(c -> report.build(day)));
    }
    group.join();
    for (Future<Report> f : built) {
      store.save(group.context(), f.resultNow());
    }
  }

  /** Correct: each task passes its own context on. */
  public void rerun(TaskGroup group, List<LocalDate> days) throws Exception {
    for (LocalDate day : days) {
      group.fork(c -> store.save(c, report.buildWithin(c, day)));
    }
    group.join();
  }

  /** Tags each batch; the temporary makes the chain grow with every batch. */
  public int tagged(Context ctx, List<List<LocalDate>> batches) throws Exception {
    Context c = ctx;
    int n = 0;
    for (List<LocalDate> batch : batches) {
      Context next = c.withValue(BATCH, "batch-" + n);
      c = next; // expect: fat-context
      n += store.count(c, batch);
    }
    return n;
  }

  /** Correct: every batch derives from the job's own context. */
  public int taggedFlat(Context ctx, List<List<LocalDate>> batches) throws Exception {
    int n = 0;
    for (List<LocalDate> batch : batches) {
      Context tagged = ctx.withValue(BATCH, "batch-" + n);
      n += store.count(tagged, batch);
    }
    return n;
  }

  /** The process's entry point: a fresh root here is where the chain begins. */
  public static void main(String[] args) throws Exception {
    var job = new NightlyReportJob(new ReportBuilder(new SalesApi()), new ReportStore());
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofHours(2));
        TaskGroup group = TaskGroup.open(ctx, 4)) {
      job.run(group, List.of(LocalDate.now().minusDays(1)));
    }
  }
}
