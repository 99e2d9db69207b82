package io.segmenta.cli;

import picocli.CommandLine.Command;

/** {@code segmenta import-survey}: the same as {@code segmenta survey import}, under the name the docs use. */
@Command(name = "import-survey", mixinStandardHelpOptions = true,
    description = {"Import survey answers (CSV or JSON lines) as traits survey_<question>; the same as 'segmenta survey import'."})
final class ImportSurveyCommand extends SurveyCommand.Import {
}
