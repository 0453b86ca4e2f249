#include <iostream>

#include "checker/cli/cli.h"

int main(int argc, char** argv) { return lockcheck::cli::run(argc, argv, std::cout, std::cerr); }
