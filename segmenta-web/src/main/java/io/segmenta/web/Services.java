package io.segmenta.web;

import io.segmenta.core.personalize.Personalization;
import io.segmenta.server.WriteKeys;
import java.util.function.Supplier;

/**
 * What pages use beside the store and the users: the background {@link Jobs}, the decisions the server serves now
 * (null before their first load), and the write keys made while serving.
 */
record Services(Jobs jobs, Supplier<Personalization> decisions, WriteKeys keys) {}
