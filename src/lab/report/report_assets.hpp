// The HTML report's front-end, compiled into the binary (tools/embed_assets.py): Vega, Vega-Lite
// and vega-embed from npm (web/node_modules, installed by scripts/setup.sh) and our own
// web/report.js and web/report.css.
#pragma once
#include <string_view>

namespace initlab::lab::assets {

std::string_view vega_js();
std::string_view vega_lite_js();
std::string_view vega_embed_js();
std::string_view report_js();
std::string_view report_css();
// False when the npm libraries were missing at build time (then reports cannot be written).
bool complete();

}  // namespace initlab::lab::assets
