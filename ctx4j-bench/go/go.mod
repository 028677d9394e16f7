module ctx4j.dev/bench

go 1.19
