"""The rules and the operations of a campaign: no channel, web, flow or scheduler code."""
