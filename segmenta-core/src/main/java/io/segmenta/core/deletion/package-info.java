/**
 * Deleting definitions as one path for the CLI and the admin API: {@link io.segmenta.core.deletion.SegmentDeletion}
 * finds what refers to a segment through the rules' syntax trees and stops its real-time tracking.
 */
package io.segmenta.core.deletion;
