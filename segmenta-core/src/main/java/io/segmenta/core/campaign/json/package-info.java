/** The JSON form of campaigns: {@link io.segmenta.core.campaign.json.CampaignJson}. */
package io.segmenta.core.campaign.json;
