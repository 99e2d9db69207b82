/**
 * The marketer's web app (issue 15), served beside the API through {@code Server.Extension}: {@link io.segmenta.web.WebApp}
 * installs the routes, {@code Pages} is the table of pages (adding a page is one template and one line there, with a
 * class that loads its model), {@code Auth} signs users in and out and checks CSRF tokens, {@code Assets} serves htmx,
 * ECharts and the app's own script and style from the classpath (no CDN).
 */
package io.segmenta.web;
