// main() for test binaries that need PostgreSQL.
#include <gtest/gtest.h>

#include "postgres_env.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new paxstats::test::PostgresEnvironment);
  return RUN_ALL_TESTS();
}
