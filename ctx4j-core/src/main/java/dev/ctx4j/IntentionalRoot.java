package dev.ctx4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks code whose fresh roots are intended: a context it derives from {@link Context#background()}
 * or {@link Context#todo()} while another context is current is meant not to follow that context's
 * cancel and deadline (a job that outlives the request that started it, a process-wide lifetime).
 * With tracing on, ctx4j-observe reports every other such fresh root as a broken chain; on a method
 * or constructor the mark covers the contexts it derives itself, on a class every method and
 * constructor of the class.
 *
 * <p>Where the work should keep the request's values but not its cancel, derive from {@code
 * current.withoutCancel()} instead: that is never reported.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.TYPE})
public @interface IntentionalRoot {
  /** Why the root is intended, for the reader (not used by ctx4j). */
  String value() default "";
}
