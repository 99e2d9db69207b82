/**
 * Erasure of a person as one use case ({@link io.segmenta.core.erasure.Erasures}), run by the CLI and the admin API
 * alike: the merge closure, the holders beside the store told to forget, and the store's deletion.
 */
package io.segmenta.core.erasure;
