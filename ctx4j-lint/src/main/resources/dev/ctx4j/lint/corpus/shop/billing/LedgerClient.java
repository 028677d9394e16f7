package shop.billing;

import java.util.List;

/** The ledger's client library (no ctx4j). */
public interface LedgerClient {
  void push(List<String> ids, int shard);
}
