"""What passes between a person and the bot, whatever the channel: inbound events, replies, the chat catalog."""
