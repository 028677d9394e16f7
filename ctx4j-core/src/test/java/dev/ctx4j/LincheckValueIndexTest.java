package dev.ctx4j;

import java.util.Objects;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Model checking (Lincheck): first lookups racing on a fresh chain long enough that they mark the
 * nodes, build index tables and publish them (ADR 0021). In every interleaving each lookup returns
 * the nearest binding (S14), including a null one (S15), and a published table is whole: it holds
 * every key on the path with its nearest value.
 *
 * <p>Run: {@code mvn -B -ntp -pl ctx4j-core verify -Dtest=LincheckValueIndexTest} (add {@code
 * -Dctx4j.lincheck.deep=true} for the deep profile).
 */
@ExtendWith(CoreInvariants.class)
@Param(name = "key", gen = IntGen.class, conf = "0:12")
public class LincheckValueIndexTest {
  private static final int BOUND = 12; // keys 0..11 are bound, 12 is not
  private static final Key<?>[] KEYS = new Key<?>[BOUND + 1];

  static {
    for (int i = 0; i < KEYS.length; i++) {
      KEYS[i] = Key.named("k" + i);
    }
  }

  private final Context mid;
  private final Context leaf;

  @SuppressWarnings("unchecked")
  public LincheckValueIndexTest() {
    Context c = Context.background();
    for (int i = 0; i < BOUND; i++) {
      c = c.withValue((Key<Object>) KEYS[i], i);
      if (i == BOUND / 2) {
        c = c.withoutCancel();
      }
    }
    mid = c;
    // shadow key 1 with null and key 2 with a new value, below a non-value node
    leaf =
        c.withoutCancel()
            .withValue((Key<Object>) KEYS[1], null)
            .withValue((Key<Object>) KEYS[2], -2);
  }

  private static Object expectedAtLeaf(int key) {
    if (key == 1 || key == BOUND) {
      return null;
    }
    return key == 2 ? Integer.valueOf(-2) : Integer.valueOf(key);
  }

  private static Object expectedAtMid(int key) {
    return key == BOUND ? null : Integer.valueOf(key);
  }

  @Operation
  public Object leaf(@Param(name = "key") int key) {
    return leaf.value(KEYS[key]);
  }

  @Operation
  public Object mid(@Param(name = "key") int key) {
    return mid.value(KEYS[key]);
  }

  @Validate
  public void publishedTablesAreWhole() {
    Object[] t = ((ValueNode) leaf).table();
    Object[] m = ((ValueNode) mid).table();
    for (int k = 0; k < KEYS.length; k++) {
      check(t == null || Objects.equals(expectedAtLeaf(k), ValueNode.probe(t, KEYS[k])), "leaf");
      check(m == null || Objects.equals(expectedAtMid(k), ValueNode.probe(m, KEYS[k])), "mid");
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  @Test
  void modelCheck_concurrentFirstLookups() {
    LinChecker.check(LincheckValueIndexTest.class, LincheckSupport.options(3, 2));
  }
}
