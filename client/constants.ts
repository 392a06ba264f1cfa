/** Where the REST API lives: same origin, since Django serves the built dashboard. */
export const API_BASE_URL = '/api';
/** Default time between two polls of the API, in milliseconds (the user can change it). */
export const API_POLL_INTERVAL = 3000;
