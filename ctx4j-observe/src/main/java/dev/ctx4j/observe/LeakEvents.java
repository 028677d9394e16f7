package dev.ctx4j.observe;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The JFR leak event; built only when a recording enabled it. */
final class LeakEvents {
  private LeakEvents() {}

  @Name("ctx4j.Leak")
  @Category("ctx4j")
  @Label("Context Leak")
  @Description("A cancellable context became unreachable without being cancelled")
  @StackTrace(false)
  static final class LeakEvent extends Event {
    @Label("Context")
    String context;

    @Label("Creation Site")
    String site;

    @Label("Age")
    @Timespan(Timespan.NANOSECONDS)
    long age;
  }

  static void leak(LeakDetector.Report r) {
    LeakEvent e = new LeakEvent();
    if (e.isEnabled()) {
      e.context = r.context();
      e.site = r.site();
      e.age = r.age().toNanos();
      e.commit();
    }
  }
}
