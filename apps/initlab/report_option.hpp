// Writing a report at the end of train / compare / propagate (--report FILE.html).
#pragma once
#include <string>

#include "report/report_data.hpp"

namespace initlab::cli {

// Reads `db` (which must exist) and writes the selected part as an HTML report to `out`.
void write_report_file(const std::string& db, const lab::ReportSelection& selection, const std::string& out);

}  // namespace initlab::cli
