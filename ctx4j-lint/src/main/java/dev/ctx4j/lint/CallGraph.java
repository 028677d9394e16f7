package dev.ctx4j.lint;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who calls whom among the analysed methods, and how the context travels on each call. Callees are
 * matched by name and argument count, narrowed by the receiver (this, a class name, a variable of a
 * known class); a call that stays ambiguous adds no edge and marks every candidate as having an
 * unknown caller, so that a broken chain is only reported where every caller is known.
 */
final class CallGraph {

  /** How a context travels along a call. */
  enum Kind {
    /** the caller's context is handed on unchanged */
    PASSED,
    /** a child of the caller's context is handed on (with its timeout, if any) */
    DERIVED,
    /** the callee is reached without the caller's context, or is fed a fresh root */
    DROPPED
  }

  /** One analysed method or constructor. */
  static final class Method {
    final String id;
    final String label;
    final Unit unit;
    final CallableDeclaration<?> decl;
    final Parameter ctxParam;
    final List<MethodCallExpr> roots = new ArrayList<>();
    boolean derives;
    int unknownCallers;

    Method(String id, String label, Unit unit, CallableDeclaration<?> decl) {
      this.id = id;
      this.label = label;
      this.unit = unit;
      this.decl = decl;
      this.ctxParam =
          decl.getParameters().stream()
              .filter(p -> Api.isContextType(p.getType()))
              .findFirst()
              .orElse(null);
    }

    boolean touchesContext() {
      return ctxParam != null || !roots.isEmpty() || derives;
    }

    int line() {
      return Api.line(decl);
    }

    int endLine() {
      return decl.getEnd().map(p -> p.line).orElse(line());
    }
  }

  /**
   * One call site; {@code ctx} is the context parameter in scope at the site (the caller's own, or
   * that of a lambda around the call, such as a forked task's), or null.
   */
  record Edge(Method from, Method to, Kind kind, String label, Node site, Parameter ctx) {
    Edge(Method from, Method to, Kind kind, String label, MethodCallExpr site) {
      this(from, to, kind, label, site, Api.contextParam(site).orElse(null));
    }
  }

  private final Map<String, Method> methods = new LinkedHashMap<>();
  private final List<Edge> edges = new ArrayList<>();
  private final Map<Method, List<Edge>> callers = new HashMap<>();
  private final IdentityHashMap<CallableDeclaration<?>, Method> byDecl = new IdentityHashMap<>();
  private Set<Method> reachedWithContext;

  Map<String, Method> methods() {
    return methods;
  }

  List<Edge> edges() {
    return edges;
  }

  List<Edge> callersOf(Method m) {
    return callers.getOrDefault(m, List.of());
  }

  Optional<Method> methodOf(CallableDeclaration<?> decl) {
    return Optional.ofNullable(byDecl.get(decl));
  }

  static CallGraph build(Project project) {
    CallGraph g = new CallGraph();
    Map<String, List<Method>> byName = new HashMap<>();
    for (Unit u : project.units()) {
      if (!u.usesCtx4j()) {
        continue;
      }
      for (CallableDeclaration<?> d : u.cu().findAll(CallableDeclaration.class)) {
        String owner = ownerName(d);
        String name = d.isConstructorDeclaration() ? "<init>" : d.getNameAsString();
        String label = owner + "#" + (d.isConstructorDeclaration() ? owner : name);
        String id = label + "/" + d.getParameters().size();
        while (g.methods.containsKey(id)) {
          id = id + "'";
        }
        Method m = new Method(id, label, u, d);
        g.methods.put(id, m);
        g.byDecl.put(d, m);
        byName.computeIfAbsent(name, k -> new ArrayList<>()).add(m);
        for (MethodCallExpr c : d.findAll(MethodCallExpr.class)) {
          if (Api.isRootCall(c) && Api.same(enclosing(c), d)) {
            m.roots.add(c);
          } else if (Api.DERIVE.contains(c.getNameAsString()) && Api.same(enclosing(c), d)) {
            m.derives = true;
          }
        }
      }
    }
    for (Unit u : project.units()) {
      if (u.usesCtx4j()) {
        g.addCalls(u, byName);
      } else {
        markOutsideCalls(u, byName);
      }
    }
    return g;
  }

  private void addCalls(Unit u, Map<String, List<Method>> byName) {
    for (MethodCallExpr c : u.cu().findAll(MethodCallExpr.class)) {
      List<Method> candidates = byName.getOrDefault(c.getNameAsString(), List.of());
      if (candidates.isEmpty()) {
        continue;
      }
      Optional<CallableDeclaration<?>> from = Optional.ofNullable(enclosing(c));
      Method caller = from.flatMap(this::methodOf).orElse(null);
      List<Method> targets = narrow(c, candidates);
      if (caller == null || targets.size() != 1) {
        targets.forEach(t -> t.unknownCallers++);
        continue;
      }
      Method callee = targets.get(0);
      Edge e = classify(caller, callee, c);
      edges.add(e);
      callers.computeIfAbsent(callee, k -> new ArrayList<>()).add(e);
    }
  }

  private static void markOutsideCalls(Unit u, Map<String, List<Method>> byName) {
    for (String call : u.calls()) {
      int slash = call.lastIndexOf('/');
      int args = Integer.parseInt(call.substring(slash + 1));
      for (Method m : byName.getOrDefault(call.substring(0, slash), List.of())) {
        if (m.decl.getParameters().size() == args) {
          m.unknownCallers++;
        }
      }
    }
  }

  private static List<Method> narrow(MethodCallExpr c, List<Method> candidates) {
    int arity = c.getArguments().size();
    List<Method> byArity =
        candidates.stream()
            .filter(
                m -> m.decl.getParameters().size() == arity && !m.decl.isConstructorDeclaration())
            .toList();
    if (byArity.size() <= 1) {
      return byArity;
    }
    Optional<String> owner = Optional.empty();
    Optional<Expression> scope = c.getScope();
    if (scope.isEmpty() || scope.get() instanceof ThisExpr) {
      owner = Optional.of(ownerName(enclosingType(c)));
    } else if (scope.get() instanceof NameExpr n) {
      Optional<Api.Decl> d = Api.declOf(n);
      if (d.isPresent() && d.get().type() instanceof ClassOrInterfaceType t) {
        owner = Optional.of(t.getNameAsString());
      } else if (d.isEmpty()) {
        owner = Optional.of(n.getNameAsString());
      }
    }
    if (owner.isPresent()) {
      String o = owner.get();
      List<Method> same =
          byArity.stream()
              .filter(m -> m.label.startsWith(o + "#") || m.label.contains("." + o + "#"))
              .toList();
      if (!same.isEmpty()) {
        return same;
      }
    }
    return byArity;
  }

  private static Edge classify(Method caller, Method callee, MethodCallExpr c) {
    for (Expression arg : c.getArguments()) {
      Expression a = Api.unwrap(arg);
      Expression origin = a;
      Optional<Api.Decl> d = Api.declOf(a);
      if (d.isPresent() && d.get().kind() == Api.Decl.Kind.LOCAL && d.get().init() != null) {
        origin = Api.unwrap(d.get().init());
      }
      if (Api.isRootCall(origin)) {
        return new Edge(caller, callee, Kind.DROPPED, "fresh " + origin, c);
      }
      if (Api.isDerivation(origin)) {
        MethodCallExpr m = (MethodCallExpr) origin;
        String label =
            m.getNameAsString().equals("withValue")
                ? "withValue"
                : m.getNameAsString()
                    + "("
                    + String.join(", ", m.getArguments().stream().map(Node::toString).toList())
                    + ")";
        return new Edge(caller, callee, Kind.DERIVED, label, c);
      }
      if (Api.isContextExpr(a)) {
        return new Edge(caller, callee, Kind.PASSED, "passed", c);
      }
    }
    boolean callerHas = caller.ctxParam != null || Api.contextParam(c).isPresent();
    if (callerHas && callee.ctxParam == null && callee.touchesContext()) {
      return new Edge(caller, callee, Kind.DROPPED, "called without its context", c);
    }
    return new Edge(caller, callee, Kind.PASSED, callee.ctxParam == null ? "call" : "passed", c);
  }

  /**
   * Methods reached only from methods that have a context: every caller is known and either has a
   * context in scope at the call (its own parameter, or a lambda's such as a forked task's) or is
   * itself reached that way (least fixed point, so a cycle alone proves nothing).
   */
  Set<Method> reachedWithContext() {
    if (reachedWithContext != null) {
      return reachedWithContext;
    }
    Set<Method> in = new HashSet<>();
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Method m : methods.values()) {
        if (in.contains(m) || m.unknownCallers > 0 || m.ctxParam != null) {
          continue;
        }
        List<Edge> cs = callersOf(m);
        boolean all =
            !cs.isEmpty()
                && cs.stream()
                    .allMatch(e -> e.from() != m && (e.ctx() != null || in.contains(e.from())));
        if (all && !isMain(m)) {
          in.add(m);
          changed = true;
        }
      }
    }
    reachedWithContext = in;
    return in;
  }

  /** The nearest caller (breadth first, by id) that has a context, with the call chain to it. */
  Optional<List<Edge>> droppingCaller(Method m) {
    Deque<List<Edge>> queue = new ArrayDeque<>();
    Set<Method> seen = new HashSet<>();
    seen.add(m);
    queue.add(List.of());
    while (!queue.isEmpty()) {
      List<Edge> path = queue.poll();
      Method at = path.isEmpty() ? m : path.get(path.size() - 1).from();
      List<Edge> cs = new ArrayList<>(callersOf(at));
      cs.sort(
          Comparator.comparing((Edge e) -> e.from().id).thenComparingInt(e -> Api.line(e.site())));
      for (Edge e : cs) {
        List<Edge> next = new ArrayList<>(path);
        next.add(e);
        if (e.ctx() != null) {
          return Optional.of(next);
        }
        if (seen.add(e.from())) {
          queue.add(next);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isMain(Method m) {
    return m.decl.getNameAsString().equals("main") && m.decl.isStatic();
  }

  static CallableDeclaration<?> enclosing(Node n) {
    Optional<Node> p = n.getParentNode();
    while (p.isPresent()) {
      if (p.get() instanceof CallableDeclaration<?> c) {
        return c;
      }
      if (p.get() instanceof TypeDeclaration<?>) {
        return null;
      }
      p = p.get().getParentNode();
    }
    return null;
  }

  private static TypeDeclaration<?> enclosingType(Node n) {
    return Api.ancestor(n, TypeDeclaration.class).orElse(null);
  }

  static String ownerName(Node n) {
    if (n == null) {
      return "?";
    }
    List<String> names = new ArrayList<>();
    Optional<Node> p = n instanceof TypeDeclaration<?> ? Optional.of(n) : n.getParentNode();
    while (p.isPresent()) {
      if (p.get() instanceof TypeDeclaration<?> t) {
        names.add(0, t.getNameAsString());
      }
      p = p.get().getParentNode();
    }
    return names.isEmpty() ? "?" : String.join(".", names);
  }
}
