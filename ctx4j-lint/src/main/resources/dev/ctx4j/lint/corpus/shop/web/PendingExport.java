package shop.web;

import dev.ctx4j.Context;
import java.time.LocalDate;

/** Queued work that carries the context of the request that asked for it. */
public record PendingExport(Context ctx, LocalDate day, String requestedBy) {} // expect: context-in-field
