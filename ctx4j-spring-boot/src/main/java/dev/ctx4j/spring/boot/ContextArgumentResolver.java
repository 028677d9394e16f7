package dev.ctx4j.spring.boot;

import dev.ctx4j.Context;
import dev.ctx4j.http.ContextFilter;
import jakarta.servlet.ServletRequest;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Resolves a controller parameter of type {@link Context} to the request's context (a read-only
 * view), as Go handlers use {@code r.Context()}. Without a request context (the filter is off) the
 * parameter is {@link Context#background()}.
 */
final class ContextArgumentResolver implements HandlerMethodArgumentResolver {
  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    return parameter.getParameterType() == Context.class;
  }

  @Override
  public Object resolveArgument(
      MethodParameter parameter,
      ModelAndViewContainer mavContainer,
      NativeWebRequest webRequest,
      WebDataBinderFactory binderFactory) {
    ServletRequest request = webRequest.getNativeRequest(ServletRequest.class);
    return request == null ? Context.background() : ContextFilter.context(request);
  }
}
