// dtm: the command-line client of libmanifest. Each subcommand lives in its own
// file (cmd_*.cc) and registers itself in commands.cc.
#include <cstdio>

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::fprintf(stderr, "dtm: no command yet\n");
  return 2;
}
