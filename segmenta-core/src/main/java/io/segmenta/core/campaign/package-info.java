/**
 * Campaigns, "one message per person" (issue 17): a {@link io.segmenta.core.campaign.Campaign} binds a segment to a
 * message with a variant per channel and a priority; {@link io.segmenta.core.campaign.Arbitration} is the one rule
 * that gives each person one campaign across channels; {@link io.segmenta.core.campaign.CampaignAudiences} applies it to
 * every profile at once for ad audiences.
 */
package io.segmenta.core.campaign;
