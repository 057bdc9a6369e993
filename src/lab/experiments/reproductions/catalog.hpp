// The reproductions, one per paper (each in its own file beside this one).
#pragma once
#include "experiments/reproduce.hpp"

namespace initlab::lab {

Reproduction he2015();          // Delving deep into rectifiers: 30-layer ReLU net, Xavier stalls, He trains
Reproduction glorot2010();      // Understanding the difficulty: activations and gradients of a 5-layer tanh net
Reproduction pennington2017();  // Resurrecting the sigmoid / Saxe 2014: Jacobian spectra with depth
Reproduction klambauer2017();   // Self-normalizing networks: SELU with LeCun normal keeps (0, 1)
Reproduction mishkin2016();     // All you need is a good init: LSUV trains a deep plain net
Reproduction zhao2022();        // ZerO: a deterministic init trains a residual net as well as a random one
Reproduction schoenholz2017();  // Deep information propagation: trainable depth of tanh nets peaks at criticality, bounded by 6 xi_c
Reproduction le2015();          // IRNN: a ReLU RNN started at the identity solves the adding problem, small random weights do not
Reproduction yang2021();        // Tensor Programs V: the best learning rate moves with width under SP, stays under μP
Reproduction seed000();         // seed notebook 000: Xavier 96.30% vs He 96.25%, one run each; is the difference real?
Reproduction seed002();         // seed notebook 002: zero / random / Xavier / He on its PyTorch MLP
Reproduction seed003();         // seed notebook 003: zero init does not learn the toy regression, the random inits do

}  // namespace initlab::lab
