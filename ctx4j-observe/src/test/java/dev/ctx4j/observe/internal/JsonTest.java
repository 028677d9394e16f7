package dev.ctx4j.observe.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void quote_plainText_isQuoted() {
    assertEquals("\"GET /checkout\"", Json.quote("GET /checkout"));
    assertEquals("null", Json.quote(null));
  }

  @Test
  void quote_hostileText_staysOneValidStringSafeInHtml() {
    assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u007f\"", Json.quote("a\"b\\c\n\r\t\u0001\u007f"));
    assertEquals("\"\\u003c/script\\u003e\\u0026\"", Json.quote("</script>&"));
    assertEquals("\"\\u2028\\u2029\"", Json.quote("\u2028\u2029"));
  }

  @Test
  void quote_surrogates_pairsKept_loneOnesEscaped() {
    assertEquals("\"😀\"", Json.quote("😀"));
    assertEquals("\"\\ud83dx\"", Json.quote("\ud83dx"));
    assertEquals("\"x\\ude00\"", Json.quote("x\ude00"));
  }

  @Test
  void escape_hasNoQuotes() {
    assertEquals("a\\\"b", Json.escape("a\"b"));
  }
}
