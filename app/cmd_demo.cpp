#include "commands.hpp"
namespace paxstats::app { void add_demo_command(CLI::App&, Context&) {} }
