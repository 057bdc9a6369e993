// The self-contained HTML report: the report's data as JSON inside the page, Vega / Vega-Lite /
// vega-embed and web/report.js inlined, so it opens offline and makes no network request.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace initlab::lab {

std::string report_html(const nlohmann::json& data);
// Writes atomically (temporary file, then rename); throws Error naming the file.
void write_report(const nlohmann::json& data, const std::string& path);

}  // namespace initlab::lab
