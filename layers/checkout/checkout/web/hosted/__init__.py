"""The hosted checkout page (DESIGN 12): HTML rendered on the server from the session and its order,
one script and one stylesheet served by the project, and the headers that keep the page to itself."""
