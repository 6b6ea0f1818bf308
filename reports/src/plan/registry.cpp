#include "registry.hpp"

#define PAXSTATS_REPORT_KIND(name)           \
  namespace paxstats::reports::kinds::name { \
  void plan(detail::Context& cx);            \
  }
#include "kinds/kinds.def"
#undef PAXSTATS_REPORT_KIND

namespace paxstats::reports::detail {

const std::vector<ReportKind>& report_kinds() {
  static const std::vector<ReportKind> kinds = {
#define PAXSTATS_REPORT_KIND(name) {#name, &kinds::name::plan, &db::RegionFlags::send_##name},
#include "kinds/kinds.def"
#undef PAXSTATS_REPORT_KIND
  };
  return kinds;
}

}  // namespace paxstats::reports::detail
