// The report's data, made from a results database written here with known numbers: the curves'
// mean and band, the monitor's rows, the propagation's per-layer rows, a tuned sweep's chosen
// values, heatmap cells and curves, checked by value and against a golden file (UPDATE_GOLDEN=1
// rewrites it); and the HTML around it.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "experiments/propagate_json.hpp"
#include "initlab/error.hpp"
#include "report/report_data.hpp"
#include "report/report_html.hpp"
#include "store/store.hpp"
#include "train/monitor.hpp"

namespace {

namespace fs = std::filesystem;
using namespace initlab::lab;
using nlohmann::json;

std::string fresh_db(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("initlab-report-" + std::to_string(::getpid()));
  fs::create_directories(d);
  fs::remove(d / name);
  return (d / name).string();
}

// A store with one compare experiment (2 inits x 2 seeds x 2 epochs, known metrics), monitor data
// for one run, and one propagation study.
void fill(ResultStore& store) {
  const auto id = store.experiment({0, "key", "compare", R"({"model":"mlp:2-3-2","data":"synthetic:blobs"})", "initlab compare --test", ""});
  for (const std::string init : {"he_normal", "zeros"})
    for (std::uint64_t seed : {0u, 1u}) {
      RunRecord r;
      r.experiment_id = id;
      r.init = init;
      r.seed = seed;
      r.spec = "{}";
      r.versions = "initlab test";
      r.command = "initlab compare --test";
      const auto run = store.claim_run(r, this_process_owner()).run_id;
      for (int epoch = 1; epoch <= 2; ++epoch) {
        EpochMetrics m;
        m.epoch = epoch;
        const double base = init == "zeros" ? 0.1 : 0.5 + 0.1 * epoch + 0.05 * static_cast<double>(seed);
        m.train_loss = 2.0 - base;
        m.train_acc = base;
        m.test_loss = 2.1 - base;
        m.test_acc = base - 0.01;
        store.add_epoch(run, m);
      }
      if (init == "he_normal" && seed == 0) {
        // The monitor on a 2-3-2 ReLU net with fixed weights, one observed step.
        torch::nn::Sequential net;
        net->push_back("fc1", torch::nn::Linear(2, 3));
        net->push_back("act1", torch::nn::ReLU());
        net->push_back("fc2", torch::nn::Linear(3, 2));
        {
          torch::NoGradGuard no_grad;
          int k = 0;
          for (auto& p : net->parameters()) p.copy_(torch::arange(p.numel(), torch::kFloat32).reshape(p.sizes()) * 0.1 - 0.2 + 0.01 * k++);
        }
        TrainingMonitor monitor(net, 1, 4);
        monitor.forward(torch::tensor({{1.0f, -1.0f}, {0.5f, 2.0f}}), 0, 1, false);
        std::vector<torch::Tensor> grads;
        for (auto& p : net->parameters()) grads.push_back(torch::full_like(p, 0.5));
        monitor.gradients(grads);
        {
          torch::NoGradGuard no_grad;
          for (std::size_t i = 0; i < grads.size(); ++i) net->parameters()[i].sub_(0.1 * grads[i]);
        }
        monitor.after_update();
        monitor.finish();
        store.add_monitor(run, monitor.record());
      }
      store.finish_run(run, RunStatus::done, 0);
    }
  InitPropagation p;
  p.init = "normal:std=0.1";
  p.sweep_value = 0.1;
  p.verdict = "stable";
  p.forward_ratio = 0.5;
  p.backward_ratio = 2.0;
  LayerStats a;
  a.layer = 1;
  a.name = "fc1";
  a.pre_var = 4.0;
  a.theory_var = 2.25;
  a.act_std = 1.5;
  LayerStats b = a;
  b.layer = 2;
  b.name = "fc2";
  b.pre_var = 0.25;
  b.theory_var.reset();
  b.act_std = 0.75;
  p.seeds = {{a, b}};
  PropagationRecord rec;
  rec.config = R"({"model":"mlp:4x2","activation":"relu"})";
  rec.command = "initlab propagate --test";
  rec.versions = "initlab test";
  rec.results = propagation_json({p}).dump();
  store.add_propagation(rec);
}

// A tuned sweep: lr in {0.01, 0.1} x 3 inits x 2 seeds x 2 epochs, tune = ["lr"]. Final validation
// accuracy per (init, lr): seeds 0 and 1
//   he_normal      0.01: 0.80, 0.82 (mean 0.81)   0.1: 0.85, 0.87 (0.86)  -> chosen 0.1
//   xavier_normal  0.01: 0.84, 0.84 (0.84)        0.1: 0.70, 0.76 (0.73)  -> chosen 0.01
//   zeros          0.01: 0.10, 0.10 (0.10)        0.1: 0.10, 0.10 (0.10)  -> a tie: the first, 0.01
// Test accuracy = validation - 0.02; epoch 1 = epoch 2 - 0.1. Returns the sweep's id.
double sweep_val(const std::string& init, const std::string& lr, std::uint64_t seed) {
  if (init == "zeros") return 0.1;
  if (init == "he_normal") return (lr == "0.01" ? 0.80 : 0.85) + 0.02 * static_cast<double>(seed);
  return lr == "0.01" ? 0.84 : 0.70 + 0.06 * static_cast<double>(seed);
}

std::int64_t fill_sweep(ResultStore& store) {
  SweepRecord sw;
  sw.key = "sweep-key";
  sw.name = "tiny";
  sw.config = R"({"name":"tiny","settings":[{"key":"model","values":["mlp:2-3-2"]},{"key":"lr","values":["0.01","0.1"]}],)"
              R"("inits":["he_normal","xavier_normal","zeros"],"seeds":2,"seed":0,"tune":["lr"],"overrides":[],"monitor_every":0})";
  sw.command = "initlab sweep tiny.toml";
  const std::int64_t sweep_id = store.sweep(sw);
  int point = 0;
  for (const std::string lr : {"0.01", "0.1"}) {
    const auto id = store.experiment({0, "sweep-point-" + lr, "sweep", R"({"model":"mlp:2-3-2","data":"synthetic:blobs","task":"classification","lr":)" + lr + "}",
                                      "initlab sweep tiny.toml", ""});
    store.add_sweep_point({sweep_id, point++, id, R"({"model":"mlp:2-3-2","lr":")" + lr + R"("})"});
    for (std::uint64_t seed : {0u, 1u})
      for (const std::string init : {"he_normal", "xavier_normal", "zeros"}) {
        RunRecord r;
        r.experiment_id = id;
        r.init = init;
        r.seed = seed;
        r.spec = "{}";
        r.versions = "initlab test";
        r.command = "initlab sweep tiny.toml";
        const auto run = store.claim_run(r, this_process_owner()).run_id;
        for (int epoch = 1; epoch <= 2; ++epoch) {
          EpochMetrics m;
          m.epoch = epoch;
          const double val = sweep_val(init, lr, seed) - (epoch == 1 ? 0.1 : 0.0);
          m.train_acc = val + 0.05;
          m.train_loss = 1.0 - val;
          m.val_acc = val;
          m.val_loss = 1.1 - val;
          m.test_acc = val - 0.02;
          m.test_loss = 1.12 - val;
          store.add_epoch(run, m);
        }
        store.finish_run(run, RunStatus::done, 0);
      }
  }
  return sweep_id;
}

void drop_created(json& j) {
  if (j.is_object()) {
    if (j.contains("created")) j["created"] = "<created>";
    for (auto& [k, v] : j.items()) drop_created(v);
  } else if (j.is_array()) {
    for (auto& v : j) drop_created(v);
  }
}

// Equal up to a relative 1e-6 on numbers (float reductions may differ in the last bits between CPUs).
void expect_close(const json& got, const json& want, const std::string& where) {
  if (want.is_number() && got.is_number()) {
    const double a = got.get<double>(), b = want.get<double>();
    EXPECT_LE(std::abs(a - b), 1e-6 * std::max(1.0, std::abs(b))) << where;
    return;
  }
  ASSERT_EQ(got.type(), want.type()) << where;
  if (want.is_object()) {
    ASSERT_EQ(got.size(), want.size()) << where;
    for (const auto& [k, v] : want.items()) {
      ASSERT_TRUE(got.contains(k)) << where << "." << k;
      expect_close(got[k], v, where + "." + k);
    }
  } else if (want.is_array()) {
    ASSERT_EQ(got.size(), want.size()) << where;
    for (std::size_t i = 0; i < want.size(); ++i) expect_close(got[i], want[i], where + "[" + std::to_string(i) + "]");
  } else {
    EXPECT_EQ(got, want) << where;
  }
}

TEST(Report, DataByValueAndAgainstTheGoldenFile) {
  ResultStore store(fresh_db("report.db"));
  fill(store);
  fill_sweep(store);
  json j = report_data(store, {});
  ASSERT_EQ(j["experiments"].size(), 3u);  // the compare, then the sweep's two points
  const json& e = j["experiments"][0];
  EXPECT_TRUE(e["in_sweeps"].empty());
  EXPECT_FALSE(e["summary"]["headline"].get<std::string>().empty());
  // he_normal test accuracy at epoch 2: seeds 0.69 and 0.74 -> mean 0.715, band 0.69..0.74
  bool found = false;
  for (const auto& r : e["curves"])
    if (r["init"] == "he_normal" && r["metric"] == "test_acc" && r["epoch"] == 2) {
      found = true;
      EXPECT_NEAR(r["mean"].get<double>(), 0.715, 1e-12);
      EXPECT_NEAR(r["lo"].get<double>(), 0.69, 1e-12);
      EXPECT_NEAR(r["hi"].get<double>(), 0.74, 1e-12);
      EXPECT_EQ(r["n"], 2);
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(e["curves"].size(), 2u * 4u * 2u);  // inits x metrics present x epochs
  EXPECT_EQ(e["summary"]["ranked"][0]["init"], "he_normal");
  // Monitor: fc1 = [[-0.2, -0.1], [0, 0.1], [0.2, 0.3]], b1 = [-0.19, -0.09, 0.01]; on x = [1, -1]
  // and [0.5, 2]: relu(W x + b) = [[0, 0, 0], [0, 0.11, 0.71]] -> mean 0.13667, unit 0 dead
  const json& s = e["layer_stats"];
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0]["layer"], "fc1");
  EXPECT_NEAR(s[0]["act_mean"].get<double>(), (0.11 + 0.71) / 6, 1e-6);
  EXPECT_NEAR(s[0]["dead"].get<double>(), 1.0 / 3, 1e-6);
  // update = 0.1 * 0.5 on each of 6 weights: |dW| = 0.05 sqrt(6); |W| = sqrt(0.19)
  EXPECT_NEAR(s[0]["update_ratio"].get<double>(), 0.05 * std::sqrt(6.0) / std::sqrt(0.19), 1e-6);
  std::int64_t counted = 0;
  for (const auto& h : e["histograms"])
    if (h["layer"] == "fc1" && h["stage"] == "init") counted += h["count"].get<std::int64_t>();
  EXPECT_EQ(counted, 6);
  const json& p = j["propagations"][0];
  EXPECT_EQ(p["per_init"][0]["sweep_value"], 0.1);
  EXPECT_NEAR(p["layers"][0]["pre_std"].get<double>(), 2.0, 1e-12);
  EXPECT_NEAR(p["layers"][0]["theory_std"].get<double>(), 1.5, 1e-12);
  EXPECT_TRUE(p["layers"][1]["theory_std"].is_null());

  drop_created(j);
  j["source"] = "report.db";
  const std::string golden = std::string(INITLAB_TEST_DATA) + "/report_golden.json";
  if (std::getenv("UPDATE_GOLDEN")) std::ofstream(golden) << j.dump(1) << "\n";
  std::ifstream in(golden);
  ASSERT_TRUE(in.good()) << golden << " is missing (UPDATE_GOLDEN=1 writes it)";
  expect_close(j, json::parse(in), "report");

  // Selections and errors name the database and the id.
  EXPECT_EQ(report_data(store, {1, std::nullopt})["propagations"].size(), 0u);
  EXPECT_EQ(report_data(store, {1, std::nullopt})["sweeps"].size(), 0u);
  EXPECT_EQ(report_data(store, {std::nullopt, 1})["experiments"].size(), 0u);
  EXPECT_EQ(report_data(store, {std::nullopt, 1})["sweeps"].size(), 0u);
  try {
    report_data(store, {7, std::nullopt});
    FAIL();
  } catch (const initlab::Error& err) {
    EXPECT_NE(std::string(err.what()).find("has no experiment 7"), std::string::npos) << err.what();
  }
}

TEST(Report, SweepPageByValue) {
  ResultStore store(fresh_db("sweep.db"));
  const std::int64_t sweep_id = fill_sweep(store);
  const json j = report_data(store, {});
  ASSERT_EQ(j["sweeps"].size(), 1u);
  const json& sw = j["sweeps"][0];
  EXPECT_EQ(sw["name"], "tiny");
  EXPECT_EQ(sw["tuned"], json({"lr"}));
  EXPECT_EQ(sw["validation_metric"], "validation accuracy");
  ASSERT_EQ(sw["points"].size(), 2u);
  EXPECT_EQ(sw["points"][1]["settings"]["lr"], "0.1");
  ASSERT_EQ(sw["slices"].size(), 1u);  // model has one value: one slice
  const json& slice = sw["slices"][0];
  EXPECT_TRUE(slice["fixed"].empty());
  EXPECT_EQ(slice["experiments"], json({sw["points"][0]["experiment"], sw["points"][1]["experiment"]}));
  // The chosen value per init (zeros ties at 0.1: the first value tried stays).
  std::map<std::string, std::string> chosen;
  for (const auto& c : slice["choices"]) chosen[c["init"]] = c["chosen_label"];
  EXPECT_EQ(chosen, (std::map<std::string, std::string>{{"he_normal", "0.1"}, {"xavier_normal", "0.01"}, {"zeros", "0.01"}}));
  // The heatmap: 3 inits x 2 lr, each the mean final validation accuracy over the two seeds.
  const std::map<std::pair<std::string, std::string>, std::pair<double, bool>> want = {
      {{"he_normal", "0.01"}, {0.81, false}},     {{"he_normal", "0.1"}, {0.86, true}}, {{"xavier_normal", "0.01"}, {0.84, true}},
      {{"xavier_normal", "0.1"}, {0.73, false}}, {{"zeros", "0.01"}, {0.1, true}},     {{"zeros", "0.1"}, {0.1, false}}};
  ASSERT_EQ(slice["cells"].size(), want.size());
  for (const auto& c : slice["cells"]) {
    const auto it = want.find({c["init"], c["label"]});
    ASSERT_NE(it, want.end()) << c.dump();
    EXPECT_NEAR(c["validation_mean"].get<double>(), it->second.first, 1e-12) << c.dump();
    EXPECT_EQ(c["chosen"], it->second.second) << c.dump();
    EXPECT_EQ(c["finished"], 2);
    EXPECT_EQ(c["order"], c["label"] == "0.01" ? 0 : 1);
  }
  // Ranked by test accuracy at the chosen values: he 0.83/0.85, xavier 0.82/0.82, zeros 0.08.
  const json& ranked = slice["summary"]["ranked"];
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0]["init"], "he_normal");
  EXPECT_NEAR(ranked[0]["mean"].get<double>(), 0.84, 1e-12);
  EXPECT_EQ(ranked[1]["init"], "xavier_normal");
  EXPECT_NEAR(ranked[1]["mean"].get<double>(), 0.82, 1e-12);
  EXPECT_EQ(slice["summary"]["metric"], "test accuracy");
  EXPECT_EQ(slice["headline"], slice["summary"]["headline"]);
  EXPECT_EQ(slice["headline"].get<std::string>().rfind("he_normal ranks first", 0), 0u) << slice["headline"];
  // Curves at the chosen values only: 3 inits x 6 metrics x 2 epochs; he_normal at lr 0.1.
  EXPECT_EQ(slice["curves"].size(), 3u * 6u * 2u);
  bool found = false;
  for (const auto& r : slice["curves"])
    if (r["init"] == "he_normal" && r["metric"] == "val_acc" && r["epoch"] == 2) {
      found = true;
      EXPECT_NEAR(r["mean"].get<double>(), 0.86, 1e-12);
      EXPECT_NEAR(r["lo"].get<double>(), 0.85, 1e-12);
      EXPECT_NEAR(r["hi"].get<double>(), 0.87, 1e-12);
    }
  EXPECT_TRUE(found);
  // Each point's experiment says where it sits in the sweep.
  ASSERT_EQ(j["experiments"].size(), 2u);
  EXPECT_EQ(j["experiments"][1]["in_sweeps"][0]["settings"]["lr"], "0.1");
  EXPECT_EQ(j["experiments"][1]["in_sweeps"][0]["sweep"], sweep_id);
  // --sweep: the sweep and its points' experiments; a missing sweep names the database and the id.
  ReportSelection only;
  only.sweep = sweep_id;
  const json selected = report_data(store, only);
  EXPECT_EQ(selected["sweeps"].size(), 1u);
  EXPECT_EQ(selected["experiments"].size(), 2u);
  EXPECT_EQ(selected["propagations"].size(), 0u);
  only.sweep = 9;
  try {
    report_data(store, only);
    FAIL();
  } catch (const initlab::Error& err) {
    EXPECT_NE(std::string(err.what()).find("has no sweep 9"), std::string::npos) << err.what();
  }
}

TEST(Report, HtmlIsOneSelfContainedFile) {
  ResultStore store(fresh_db("html.db"));
  fill(store);
  json j = report_data(store, {});
  j["experiments"][0]["command"] = "initlab compare --note '</script><script>alert(1)</script> <!--'";
  const std::string html = report_html(j);
  // The data cannot end its <script> element early.
  EXPECT_EQ(html.find("</script><script>alert"), std::string::npos);
  EXPECT_NE(html.find("<\\/script><script>alert(1)<\\/script> \\u003C!--"), std::string::npos);
  // No reference to anything outside the file.
  for (const char* outside : {"src=\"http", "href=\"http", "<link ", "src=\"//"}) EXPECT_EQ(html.find(outside), std::string::npos) << outside;
  EXPECT_NE(html.find("vegaEmbed"), std::string::npos);
  EXPECT_NE(html.find("id=\"report-data\""), std::string::npos);
  const std::string start = "<script type=\"application/json\" id=\"report-data\">";
  const auto a = html.find(start) + start.size();
  const auto b = html.find("</script>", a);
  EXPECT_EQ(json::parse(html.substr(a, b - a)), j);  // what the page embeds is the data, exactly
  // Written atomically: a folder that does not exist is an error naming the file, nothing written.
  EXPECT_THROW(write_report(j, "/nonexistent-dir/r.html"), initlab::Error);
}

}  // namespace
