/**
 * Bad input to a campaign (unknown target or variant, an OUT directory that holds another
 * campaign, a damaged stats.json): the CLI reports it as one line and exit 2.
 */
export class CampaignInputError extends Error {
  override name = "CampaignInputError";
}
