/**
 * The machinery below models: {@link org.tensorkit.models.engine.Graph} (the immutable graph a model traces
 * once), {@link org.tensorkit.models.engine.Execution} (one forward walk of a batch, and the backward walk after a
 * training one), {@link org.tensorkit.models.engine.Inputs} (Keras's checks, expansion and casts of the data),
 * {@link org.tensorkit.models.engine.Batches} (the one batch loop of predict, evaluate and fit) and
 * {@link org.tensorkit.models.engine.Inference} (predict's output assembly). Models use it; a user rarely needs to.
 */
package org.tensorkit.models.engine;
