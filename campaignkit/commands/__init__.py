"""Core's command-line commands, one module per topic; ``campaignkit.cli`` assembles them."""
