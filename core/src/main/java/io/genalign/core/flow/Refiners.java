package io.genalign.core.flow;

import ai.djl.ndarray.NDManager;

/** Builds any {@link RefineMethod} from the models and options, so that methods can be swapped freely. */
public final class Refiners {
    private Refiners() {}

    /**
     * The refiner of {@code method}. The particle flows share η1, η2, η3, the bandwidth rule and the ridge, and
     * differ only in their estimators: GMI = mollified KRR on both sides; KRR = unmollified KRR; KDE = uniform
     * weights; STEIN = GMI's data estimator with the Stein estimator for the particle score.
     */
    public static LatentRefiner create(RefineMethod method, FlowModels models, RefineOptions o, NDManager parent) {
        switch (method) {
            case DDLS:
                return new Ddls(models, parent, o.ddlsStep());
            case DOT:
                return new Dot(models, parent, o.dotLearningRate(), FlowDefaults.DOT_DELTA, FlowDefaults.DOT_PAIRS);
            case DGFLOW:
                return new DgFlow(models, parent, o.dgflowStep(), o.dgflowGamma(), o.dgflowDivergence());
            default:
                ScoreEstimator data = dataEstimator(method, o);
                ScoreEstimator particles = method == RefineMethod.STEIN
                        ? SteinScoreEstimator.builder().optBandwidth(o.bandwidth()).optNu(o.steinNu()).build()
                        : data;
                return ParticleFlow.builder().setModels(models).setDataEstimator(data).setParticleEstimator(particles)
                        .optStepSizes(o.etaData(), o.etaParticle(), o.etaCondition()).optLatentClip(o.latentClip())
                        .optName(method.cliName()).build(parent);
        }
    }

    /** The data-side estimator of a particle-flow method. */
    static ScoreEstimator dataEstimator(RefineMethod method, RefineOptions o) {
        switch (method) {
            case GMI:
            case STEIN:
                return KernelScoreEstimator.krr().optBandwidth(o.bandwidth()).optRidge(o.ridge())
                        .optMollifier(o.mollifier()).build();
            case KRR:
                return KernelScoreEstimator.krr().optBandwidth(o.bandwidth()).optRidge(o.ridge()).build();
            case KDE:
                return KernelScoreEstimator.kde().optBandwidth(o.bandwidth()).build();
            default:
                throw new IllegalArgumentException(method + " is not a particle flow");
        }
    }
}
