package dev.ctx4j.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Opts a test method (or every test of a class) out of {@link ContextLeakCheck}. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface AllowContextLeaks {
  /** Why leaking is fine here (for the reader). */
  String value() default "";
}
