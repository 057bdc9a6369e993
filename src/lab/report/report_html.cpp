#include "report/report_html.hpp"

#include <cctype>

#include "initlab/error.hpp"
#include "initlab/atomic_file.hpp"
#include "report/report_assets.hpp"

namespace initlab::lab {
namespace {

// Text inside <script>: "</script" (any case) would end the element early, "<!--" could start
// an HTML comment state; both are written with a backslash, which means the same in JavaScript
// strings and regular expressions and in JSON strings.
std::string script_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::string_view rest = text.substr(i);
    auto starts_ci = [&](std::string_view what) {
      if (rest.size() < what.size()) return false;
      for (std::size_t k = 0; k < what.size(); ++k)
        if (std::tolower(static_cast<unsigned char>(rest[k])) != what[k]) return false;
      return true;
    };
    if (starts_ci("</script")) {
      out += "<\\/";
      ++i;
    } else if (starts_ci("<!--")) {
      out += "\\u003C!--";
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::string report_html(const nlohmann::json& data) {
  if (!assets::complete())
    throw Error("this initlab was built without the report's JavaScript libraries (web/node_modules was missing): "
                "run scripts/setup.sh, then rebuild");
  std::string html;
  html += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>initlab report: " + data.value("source", std::string("results")) + "</title>\n";
  html += "<style>\n" + std::string(assets::report_css()) + "\n</style>\n";
  for (const auto js : {assets::vega_js(), assets::vega_lite_js(), assets::vega_embed_js()})
    html += "<script>\n" + script_safe(js) + "\n</script>\n";
  html += "</head>\n<body>\n<main id=\"report\"><noscript>This report draws its charts with JavaScript; the data is in the "
          "page source as JSON.</noscript></main>\n";
  html += "<script type=\"application/json\" id=\"report-data\">" +
          script_safe(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + "</script>\n";
  html += "<script>\n" + script_safe(assets::report_js()) + "\n</script>\n</body>\n</html>\n";
  return html;
}

void write_report(const nlohmann::json& data, const std::string& path) {
  const std::string html = report_html(data);
  try {
    write_file_atomically(path, html);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error("cannot write report '" + path + "': " + e.what());
  }
}

}  // namespace initlab::lab
