package shop.reports;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/** One day's totals per region. */
public final class Report {
  private final LocalDate day;
  private final Map<String, Long> totals = new LinkedHashMap<>();

  public Report(LocalDate day) {
    this.day = day;
  }

  public void add(String region, long cents) {
    totals.merge(region, cents, Long::sum);
  }

  public LocalDate day() {
    return day;
  }
}
