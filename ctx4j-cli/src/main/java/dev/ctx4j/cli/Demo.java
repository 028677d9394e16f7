package dev.ctx4j.cli;

class Demo {
  static int run(String[] a, java.io.PrintStream o) {
    return 0;
  }
}
