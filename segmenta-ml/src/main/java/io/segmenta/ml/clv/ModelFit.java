package io.segmenta.ml.clv;

import java.util.Optional;

/**
 * The outcome of fitting a model: the model, or none with the reason (data too thin to trust, no convergence),
 * and how the fit was made, so that every number can be traced back (as Tribuo's provenance does).
 *
 * @param customers how many customers the fit saw
 * @param repeatBuyers how many of them bought more than once
 * @param logLikelihood the maximised log-likelihood (NaN without a model)
 * @param evaluations how many likelihood evaluations the optimiser used
 * @param method the optimiser and its settings
 */
public record ModelFit<M>(M model, String diagnostic, int customers, int repeatBuyers, double logLikelihood,
    int evaluations, String method) {

  public Optional<M> fitted() {
    return Optional.ofNullable(model);
  }
}
