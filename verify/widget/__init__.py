"""The white-label verification widget: publishable keys restricted to origins, the public
widget endpoints' rules, and the signed success tokens a tenant's backend verifies.

- `keys`: the publishable key, the allowed origins and the look (logo, colour), audited;
- `origins`: the Origin check and the CORS headers of the public endpoints;
- `tokens`: the HS256 success token, issued once per approved attempt, redeemed once;
- `flow`: start and check for a browser, through the platform's Verify services;
- `strings`: the widget's words in the tenant's locale.
"""
