/**
 * Identity stitching: profiles that share an alias, e-mail or phone are merged, with a merge log and a guard rail
 * against shared identifiers.
 */
package io.segmenta.core.identity;
