#include "cli/app.h"

int main(int argc, char** argv) { return contraband::RunCli(argc, argv); }
