"""Campaign events: hosting, moderation, finding, RSVPs, carpools, chat links and calendars."""
