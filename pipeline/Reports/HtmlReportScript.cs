namespace Pipeline.Cli.Reports;

/// <summary>
/// The report's only script: it checks what the browser actually drew and writes the verdict into
/// data attributes (on each chart's svg and on body), so a headless browser's DOM dump, or anyone's
/// devtools, can tell a page that rendered every chart from one that parsed but drew nothing.
/// </summary>
internal static class HtmlReportScript
{
    public const string Source = """
        (function () {
          var body = document.body;
          window.addEventListener('error', function (e) { body.setAttribute('data-report-error', String(e.message)); });
          try {
            var charts = document.querySelectorAll('svg[data-points]');
            var withData = 0;
            for (var c = 0; c < charts.length; c++) {
              var svg = charts[c];
              var width = svg.width.baseVal.value, height = svg.height.baseVal.value;
              var drawn = 0;
              var lines = svg.querySelectorAll('polyline');
              for (var l = 0; l < lines.length; l++) {
                var points = lines[l].points;
                for (var i = 0; i < points.numberOfItems; i++) {
                  var p = points.getItem(i);
                  if (isFinite(p.x) && isFinite(p.y) && p.x >= 0 && p.x <= width && p.y >= 0 && p.y <= height) drawn++;
                }
              }
              var box = svg.getBoundingClientRect();
              svg.setAttribute('data-drawn', String(drawn));
              svg.setAttribute('data-box', Math.round(box.width) + 'x' + Math.round(box.height));
              if (drawn > 0 && drawn === Number(svg.getAttribute('data-points')) && box.width > 0 && box.height > 0) withData++;
            }
            body.setAttribute('data-charts', String(charts.length));
            body.setAttribute('data-charts-with-data', String(withData));
          } catch (e) {
            body.setAttribute('data-report-error', String(e && e.message || e));
          }
        })();
        """;
}
