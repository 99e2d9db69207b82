/**
 * Test data: random shops and generated ones, example segments, experiment scenarios, and where the shared public
 * datasets are.
 */
package io.segmenta.testkit;
