/**
 * The store contract: JUnit tests that every engine adapter runs by extending them with a way to open its store
 * (the compiled SQL against the reference evaluator, the kept aggregates after every kind of write).
 */
package io.segmenta.testkit.contract;
