// What the reproductions share: propagation studies over seeds, training comparisons through the
// scheduler and the results database, per-seed statistics of layers, and criteria from numbers.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "experiments/experiment.hpp"
#include "experiments/propagate.hpp"
#include "experiments/reproduce.hpp"

namespace initlab::lab::repro {

// Throws Error("interrupted") when the user asked to stop.
void check_stop(const ReproOptions& o);

// propagate() with the reproduction's seeds; `what` names the study in progress messages.
std::vector<InitPropagation> propagate_study(PropagateConfig config, int seeds, const ReproOptions& o, const std::string& what);

// The Jacobian spectrum of one init at `seeds` seeds (one propagate() per seed: the study takes
// the Jacobian at its first seed only).
std::vector<JacobianSpectrum> jacobian_per_seed(PropagateConfig config, int seeds, const ReproOptions& o, const std::string& what);

// Trains the comparison (stored in o.db, resumed when already there) and records its id.
ExperimentSummary train_comparison(ExperimentConfig config, int seeds, const ReproOptions& o, ReproResult& result);

// Per seed: f(the seed's layers).
std::vector<double> per_seed(const InitPropagation& p, const std::function<double(const std::vector<LayerStats>&)>& f);
// The layer numbered `layer` (1-based) of one seed; throws Error when the network has fewer.
const LayerStats& layer(const std::vector<LayerStats>& layers, int number);

// Per layer from `first` to `last` (1-based): the mean over seeds of f(layer) with its 95% CI.
Series layer_series(const std::string& name, const InitPropagation& p, int first, int last, const std::function<double(const LayerStats&)>& f);

// A line of points (x[i], mean of values[i]) with each mean's 95% CI; an x with no values is left out.
Series ci_series(std::string name, const std::vector<double>& x, const std::vector<std::vector<double>>& values);

// The final test accuracy per seed of each measurement (a series each, named by the measurement's
// name up to its ':'), one point per seed: the figure of the training reproductions.
Figure accuracy_per_seed(std::string title, std::string caption, const std::vector<const Measured*>& finals,
                         std::string y_label = "test accuracy");

// A criterion decided by `met`, with the numbers it was decided on.
Criterion criterion(std::string text, bool met, std::string measured);

// "A is not worse than B by more than `margin`" on paired per-seed values (A - B): met when the 95%
// CI of the mean difference lies above -margin, not met when it lies below, undecided when it
// straddles -margin or there are fewer than two pairs (more seeds would decide it).
Criterion non_inferior(std::string text, const std::vector<double>& a, const std::vector<double>& b, double margin);

// "A and B are equivalent within `margin`" on paired per-seed values (A - B): met when the 95% CI of
// the mean difference lies inside [-margin, +margin], not met when it lies wholly outside, undecided
// otherwise or with fewer than two pairs.
Criterion equivalent(std::string text, const std::vector<double>& a, const std::vector<double>& b, double margin);

// "A beats B by more than `gap`, paired t-test p < 0.01": undecided with fewer than two pairs.
Criterion paired_gap(std::string text, const std::vector<double>& a, const std::vector<double>& b, double gap);

// The final metric per seed of one init in a summary, in seed order, over the seeds every listed
// init finished (so two lists pair by seed).
std::vector<double> finals_by_seed(const ExperimentSummary& s, const std::string& init, const std::vector<std::string>& all);

// The smallest / largest of per-seed values (NaN when there are none).
double lowest(const std::vector<double>& values);
double highest(const std::vector<double>& values);

std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");
std::string format_g(double v, int digits = 3);

}  // namespace initlab::lab::repro
