#include "cli/commands.hpp"

int main(int argc, char** argv) { return bridgesim::cli::main_with_args(argc, argv); }
