package io.genalign.core.preference;

/**
 * The f-divergences that generalise Diffusion-DPO's reverse KL. With u = p_theta/p_ref and s = log u,
 * the implied reward is phi(s) = f'(e^s) (additive constants dropped):
 *
 * <table>
 *   <caption>phi per divergence</caption>
 *   <tr><th>kind</th><th>f(u)</th><th>phi(s)</th><th>phi'(s)</th><th>sup phi</th></tr>
 *   <tr><td>REVERSE_KL</td><td>u log u</td><td>s</td><td>1</td><td>+inf</td></tr>
 *   <tr><td>FORWARD_KL</td><td>-log u</td><td>-e^(-s)</td><td>e^(-s)</td><td>0</td></tr>
 *   <tr><td>JENSEN_SHANNON</td><td>u log u - (u+1) log((u+1)/2)</td><td>log 2 - softplus(-s)</td>
 *       <td>sigmoid(-s)</td><td>log 2</td></tr>
 *   <tr><td>ALPHA (0 &lt; alpha &lt; 1)</td><td>(u^(1-alpha) - (1-alpha)u - alpha)/(alpha(alpha-1))</td>
 *       <td>(1 - e^(-alpha s))/alpha</td><td>e^(-alpha s)</td><td>1/alpha</td></tr>
 * </table>
 *
 * <p>Alpha convention (f-DPO's): alpha → 0 recovers reverse KL (mode-seeking), alpha → 1 forward KL
 * (mass-covering); alpha = 0.5 is a scaled squared Hellinger distance.
 */
public enum DivergenceKind {
    REVERSE_KL,
    FORWARD_KL,
    JENSEN_SHANNON,
    ALPHA
}
